from .bundle import Bundle, BundleMember, RefusalPolicy
from .item import (
    CaseKind,
    FocusArea,
    HandlingForm,
    ItemStatus,
    ItemType,
    OnlineDepth,
    ReformMode,
    ResultType,
    ServiceItem,
    ServiceObject,
    Theme,
    ThemeAudience,
    ThemeKind,
    VerificationMethod,
)
from .material import MaterialForm, MaterialSource, MaterialSpec, MaterialType, Necessity
from .process import ProcessKind, ProcessStage, ProcessTemplate, StageAction
from .search import SearchTerm
from .transfer import PowerTransfer, TransferKind, TransferredItem

__all__ = [
    "Bundle",
    "BundleMember",
    "CaseKind",
    "FocusArea",
    "HandlingForm",
    "ItemStatus",
    "ItemType",
    "MaterialForm",
    "MaterialSource",
    "MaterialSpec",
    "MaterialType",
    "Necessity",
    "OnlineDepth",
    "PowerTransfer",
    "ProcessKind",
    "ProcessStage",
    "ProcessTemplate",
    "ReformMode",
    "RefusalPolicy",
    "ResultType",
    "SearchTerm",
    "ServiceItem",
    "ServiceObject",
    "StageAction",
    "Theme",
    "ThemeAudience",
    "ThemeKind",
    "TransferKind",
    "TransferredItem",
    "VerificationMethod",
]
