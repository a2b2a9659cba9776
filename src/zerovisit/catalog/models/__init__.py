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
)
from .material import MaterialForm, MaterialSource, MaterialSpec, MaterialType, Necessity
from .process import ProcessKind, ProcessStage, ProcessTemplate, StageAction
from .search import SearchTerm

__all__ = [
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
    "ProcessKind",
    "ProcessStage",
    "ProcessTemplate",
    "ReformMode",
    "ResultType",
    "SearchTerm",
    "ServiceItem",
    "ServiceObject",
    "StageAction",
    "Theme",
    "ThemeAudience",
    "ThemeKind",
]
