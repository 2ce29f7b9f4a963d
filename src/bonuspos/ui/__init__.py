"""Qt screens and widgets: no business rule lives here."""
