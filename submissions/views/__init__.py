from .lookup import lookup
from .public import apply, receipt, supplement

__all__ = ["apply", "lookup", "receipt", "supplement"]
