"""Services: every read and write of the event database goes through one of these modules.

Conventions: a service function takes the ``Session`` first (the caller owns the transaction:
``with db.begin() as session: ...``), then what it needs, then who acts (``station``) where it
writes. It returns a typed result (a dataclass), never ORM objects that escape the session.
Services raise ``expo.errors.ExpoError`` subclasses with a message for the user.
"""
