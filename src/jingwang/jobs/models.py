"""Job rows, leases, dispatcher."""
