"""Services: every read and write of the event database goes through one of these modules.

Conventions: a read service takes a ``Session`` first; a write service takes the
``UnitOfWork`` first (the caller owns the transaction: ``with db.write(actor) as uow: ...``),
then what it needs, and records its events with ``uow.record(...)`` (docs/events.md). Who acts
comes from the unit of work (``uow.actor``, ``uow.station()``). It returns a typed result (a
dataclass), never ORM objects that escape the session.
Services raise ``expo.errors.ExpoError`` subclasses with a message for the user.
"""
