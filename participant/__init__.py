"""The participant's side: the join page, the QR code and the /participant namespace."""
