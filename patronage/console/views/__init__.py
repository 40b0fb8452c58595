"""The staff console's pages: each parses input, checks access, calls one service or selector, renders."""
