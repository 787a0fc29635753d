"""Forms of the treatment pages: they type the input; the actions judge it."""
