"""The web page: layout, interface strings and rendering of answers and articles as safe text."""
