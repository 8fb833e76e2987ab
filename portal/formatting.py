"""Vietnamese presentation helpers shared by templates, slips and e-mails."""


def format_money(amount):
    """Format an amount of Vietnamese đồng as "1.234.567 đ" (VND has no minor unit)."""
    if amount is None:
        return ""
    grouped = f"{int(amount):,}".replace(",", ".")
    return f"{grouped} đ"
