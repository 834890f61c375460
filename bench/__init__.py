"""Attune's load benchmark: raw websocket phones against Attune and two bare floors."""
