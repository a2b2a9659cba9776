"""Every change to accounts and applicants, by concept:

applicants · the identities cases are filed for, found or created, proxy authorisations · api_clients · the
systems of other departments, signing in with OAuth client credentials · identity · signing in and registering by
SMS code, password reset, real-name and real-person verification through the identity register · organisations ·
claimed by their legal representative, their agents (经办人) · second_factor · two-factor sign-in of staff ·
separation · the three administrators (三员分立).
"""

from .api_clients import api_client_for_application, api_client_for_token, create_api_client, issue_client_credentials
from .applicants import (
    CHECK_OVERRIDE_REASON_LENGTH,
    IDENTITY_ERROR_FIELDS,
    InvalidIdentity,
    applicant_for,
    check_organisation,
    choose_place,
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
    change_password,
    check_applying_as,
    normalised_phone,
    reset_password,
    send_code,
    sign_in_with_assertion,
    sign_in_with_code,
    verify_real_name,
    verify_real_person,
)
from .organisations import (
    OrganisationRefused,
    agents_of,
    authorise_agent,
    claim_asserted_organisation,
    claim_organisation,
    held_organisation,
    represented,
    revoke_agent,
    running_authorisations,
)

__all__ = [
    "CHECK_OVERRIDE_REASON_LENGTH",
    "IDENTITY_ERROR_FIELDS",
    "CodeRefused",
    "InvalidIdentity",
    "InvalidPhone",
    "OrganisationRefused",
    "RegisterDown",
    "SignIn",
    "TooManyRequests",
    "VerificationRefused",
    "agents_of",
    "api_client_for_application",
    "api_client_for_token",
    "applicant_for",
    "authorise_agent",
    "bound_person",
    "change_password",
    "check_applying_as",
    "check_organisation",
    "choose_place",
    "claim_asserted_organisation",
    "claim_organisation",
    "create_api_client",
    "find_applicant",
    "held_organisation",
    "issue_client_credentials",
    "link_applicant",
    "may_confirm_credit_codes",
    "normalised_phone",
    "own_applicants",
    "register_organisation",
    "represented",
    "reset_password",
    "revoke_agent",
    "running_authorisations",
    "send_code",
    "sign_in_with_assertion",
    "sign_in_with_code",
    "verify_real_name",
    "verify_real_person",
]
