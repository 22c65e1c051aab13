"""Operations of our own for migrations (the loader skips modules whose names start with "_")."""

from django.db.migrations.operations.base import Operation


class AlterLabels(Operation):
    """AlterField operations that change no column (verbose names, help texts, choices' labels),
    the project's state re-rendered once for them all. Each AlterField re-renders every model
    related to its own when its field is a relation: 137 of them took a third of a fresh
    database's migration. A change that would alter a column is refused, not applied."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operations):
        self.operations = operations

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operations], {})

    def state_forwards(self, app_label, state):
        # Without its rendered models (Django's own test of "rendered"), the state only records
        # each change; they are rendered again once, with everything related to them.
        rendered = state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        if rendered is not None:
            state.apps = rendered
            changed = {(app_label, operation.model_name_lower) for operation in self.operations}
            state.reload_models(changed, delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            model = from_state.apps.get_model(app_label, operation.model_name)
            before = model._meta.get_field(operation.name)
            after = to_state.apps.get_model(app_label, operation.model_name)._meta.get_field(
                operation.name
            )
            if schema_editor._field_should_be_altered(before, after):
                raise ValueError(f"{operation.describe()} alters a column: use AlterField.")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.database_forwards(app_label, schema_editor, to_state, from_state)

    def describe(self):
        return f"Alter the labels of {len(self.operations)} fields"
