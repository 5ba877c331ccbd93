"""Spiders of the justice.gov crawler."""


def response_headers(response) -> dict[str, str]:
    """A response's headers as the messages to the writer carry them: lower-case names,
    repeated headers joined with ", " (RFC 9110), latin-1 as HTTP sends them."""
    return {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()}
