"""The facilitator's side: console and screen pages, their namespaces, and the session API."""
