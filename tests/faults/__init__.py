"""The fault suite, `make faults`: the app under crashes and outages, counted (see __main__.py).

Not part of `make test`: no module here is named test_*, so pytest collects nothing from it.
"""
