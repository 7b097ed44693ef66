"""What staff see of a patient's number or address on a link's timeline:
enough to tell two apart, never the whole of it (LinkMessage.masked_to)."""


def masked_phone(number):
    """07700900123 -> 07••• •••123: enough for staff to tell two numbers apart."""
    return f"{number[:2]}••• •••{number[-3:]}" if len(number) > 5 else "•••"


def masked_email(address):
    name, _, domain = address.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else "•••"
