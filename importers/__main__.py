"""`python -m importers identify|extract|archive FILE…` via beangulp."""
import beangulp

from .detect import IMPORTERS

if __name__ == '__main__':
    beangulp.Ingest(IMPORTERS)()
