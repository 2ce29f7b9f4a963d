"""Qt screens and widgets (issue 5): no business rule lives here."""
