"""The REST API's shared parts: token authentication, throttles, pagination, base classes,
and the portal's own resources (products, accounts)."""
