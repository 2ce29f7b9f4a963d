"""One-time codes sent to a customer's phone, and the gateways that send them."""
