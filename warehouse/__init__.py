"""Load stage: the only package that opens DuckDB.

`db` owns connections, migrations and bulk writes; the other modules hold one
capability each (runs, feeds, articles, statements, shifts, outbox, publish).
Schema lives in `schema/*.sql` (applied once, in order), analyst views in
`views/*.sql` (re-created on every start), internal queries in `queries/`.
"""

from stancewatch.warehouse.db import Warehouse, WarehouseBusy, WarehouseError, open_reader, open_warehouse

__all__ = ["Warehouse", "WarehouseBusy", "WarehouseError", "open_reader", "open_warehouse"]
