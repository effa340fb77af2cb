"""matcalc's local web page: `matcalc serve` (server.py), its worker processes (workers.py)."""
