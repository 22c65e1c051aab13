from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hiring", "0074_session_announced_start"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("feedback_submitted", "Feedback submitted"),
                    ("feedback_amended", "Feedback amended"),
                    ("debrief_opened", "Debrief opened"),
                    ("interviewer_excused", "Interviewer excused"),
                    ("decision_recorded", "Decision recorded"),
                    ("decision_confirmed", "Decision confirmed"),
                    ("decision_withdrawn", "Decision withdrawn"),
                    ("stage_changed", "Stage changed"),
                    ("membership_changed", "Membership changed"),
                    ("decision_rule", "Decision rule"),
                    ("person_changed", "Person changed"),
                    ("organisation_changed", "Organisation settings changed"),
                    ("team_settings", "Team settings changed"),
                    ("proposal_not_agreed", "Proposal not agreed"),
                    ("invitation", "Invitation"),
                    ("panel_booked", "Panel booked"),
                    ("panel_changed", "Panel changed"),
                    ("panel_cancelled", "Session cancelled"),
                    ("candidates_merged", "Candidates merged"),
                    ("candidates_imported", "Candidates imported"),
                    ("email_template", "Email template changed"),
                    ("offer", "Offer"),
                    ("withdrawn", "Withdrawn by the candidate"),
                    ("withdrawn_by_erasure", "Withdrawn as the candidate's data was erased"),
                    ("candidate_erased", "Candidate's data erased"),
                    ("legal_hold", "Legal hold"),
                    ("data_exported", "Candidate's data exported"),
                    ("check_in", "Check-in submitted"),
                    ("opening_created", "Opening created"),
                    ("opening_changed", "Opening changed"),
                    ("criterion_added", "Scorecard criterion added"),
                    ("criterion_changed", "Scorecard criterion changed"),
                    ("criterion_removed", "Scorecard criterion removed"),
                    ("criterion_moved", "Scorecard criterion moved"),
                    ("question_added", "Application question added"),
                    ("question_changed", "Application question changed"),
                    ("question_removed", "Application question removed"),
                    ("question_moved", "Application question moved"),
                ],
                max_length=30,
                verbose_name="action",
            ),
        ),
    ]
