"""Treatment pages, one module per topic; thin: parse, call an action or query, render."""
