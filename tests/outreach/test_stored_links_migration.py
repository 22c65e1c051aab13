"""Migration 0037: the candidate's links in emails stored before become placeholders."""

from importlib import import_module

migration = import_module("hiring.migrations.0037_candidate_links_out_of_stored_emails")


def test_each_signed_link_becomes_its_placeholder_and_nothing_else_changes():
    body = (
        "Your page: https://teamfit.example.com/status/Ng:LcdIDd3hn8YO4P5h_-X9XE/\n"
        "Pick: http://127.0.0.1:8000/schedule/Mg:1xZeul:oFjQGRsZ5Vl7XrUrZ/ then\n"
        "Offer: https://t.example/offer/Mg:1x:rKHS-IxZqZg/. Our site: https://t.example/careers/"
    )

    assert migration.as_placeholders(body) == (
        "Your page: {status_link}\nPick: {schedule_link} then\n"
        "Offer: {offer_link}. Our site: https://t.example/careers/"
    )
