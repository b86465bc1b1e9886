"""The event database's tables, as SQLAlchemy 2 typed models (one module per domain)."""

from expo.models.audit import EventRecord, EventSubject
from expo.models.badges import Badge, BadgePrint, CheckIn, RefusedScan
from expo.models.base import Base, SyncedMixin
from expo.models.booths import Booth, BoothExclusion, Hall
from expo.models.catalogue import RATING_DIMENSIONS, Factory, Product
from expo.models.enums import (
    BoothKind,
    CheckInKind,
    LeadRating,
    QuestionKind,
    StationKind,
    VisitorSource,
    VisitorType,
)
from expo.models.event import Category, Event, Station
from expo.models.inquiries import Inquiry, Lead, inquiry_product
from expo.models.lead_details import (
    FollowUpTemplate,
    InquiryAnswer,
    LeadCardImage,
    LeadQuestion,
    LeadTag,
    StationSalesperson,
)
from expo.models.users import User
from expo.models.visitors import (
    ImportBatch,
    Visitor,
    VisitorCompany,
    VisitorCompanyKey,
    VisitorSearchKey,
)

__all__ = [
    "QuestionKind",
    "StationSalesperson",
    "LeadTag",
    "LeadQuestion",
    "LeadCardImage",
    "InquiryAnswer",
    "FollowUpTemplate",
    "RATING_DIMENSIONS",
    "Badge",
    "BadgePrint",
    "Base",
    "Booth",
    "BoothExclusion",
    "BoothKind",
    "Category",
    "CheckIn",
    "CheckInKind",
    "Event",
    "EventRecord",
    "EventSubject",
    "Factory",
    "Hall",
    "ImportBatch",
    "Inquiry",
    "Lead",
    "LeadRating",
    "Product",
    "RefusedScan",
    "Station",
    "StationKind",
    "User",
    "SyncedMixin",
    "Visitor",
    "VisitorCompany",
    "VisitorCompanyKey",
    "VisitorSearchKey",
    "VisitorSource",
    "VisitorType",
    "inquiry_product",
]
