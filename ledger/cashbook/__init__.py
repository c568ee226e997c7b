"""Money moved between the office's own accounts (cash banked, clearing settled) and money spent."""
