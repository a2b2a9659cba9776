"""Every change to accounts and applicants, by concept:

applicants · the identities cases are filed for, found or created, proxy authorisations, the API clients of other
systems · identity · signing in and registering by SMS code, password reset, real-name and real-person
verification through the identity register.
"""

from .applicants import (
    CHECK_OVERRIDE_REASON_LENGTH,
    IDENTITY_ERROR_FIELDS,
    InvalidIdentity,
    api_client_for_token,
    applicant_for,
    check_organisation,
    choose_place,
    create_api_client,
    find_applicant,
    link_applicant,
    may_confirm_credit_codes,
    own_applicants,
    register_organisation,
)
from .identity import (
    CodeRefused,
    InvalidPhone,
    RegisterDown,
    SignIn,
    TooManyRequests,
    VerificationRefused,
    bound_person,
    check_applying_as,
    normalised_phone,
    reset_password,
    send_code,
    sign_in_with_code,
    verify_real_name,
    verify_real_person,
)

__all__ = [
    "CHECK_OVERRIDE_REASON_LENGTH",
    "IDENTITY_ERROR_FIELDS",
    "CodeRefused",
    "InvalidIdentity",
    "InvalidPhone",
    "RegisterDown",
    "SignIn",
    "TooManyRequests",
    "VerificationRefused",
    "api_client_for_token",
    "applicant_for",
    "bound_person",
    "check_applying_as",
    "check_organisation",
    "choose_place",
    "create_api_client",
    "find_applicant",
    "link_applicant",
    "may_confirm_credit_codes",
    "normalised_phone",
    "own_applicants",
    "register_organisation",
    "reset_password",
    "send_code",
    "sign_in_with_code",
    "verify_real_name",
    "verify_real_person",
]
