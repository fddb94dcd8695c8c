"""The case search attributes: no personal data, only what operators and auditors filter by.

`temporal workflow list --query "CaseStatus = 'handling' AND CaseDistrict = 'chengdong'"` works with these.
"""

from temporalio.common import SearchAttributeKey

CASE_STATUS = SearchAttributeKey.for_keyword("CaseStatus")
CASE_DISTRICT = SearchAttributeKey.for_keyword("CaseDistrict")
CASE_CATEGORY = SearchAttributeKey.for_keyword("CaseCategory")
CASE_CHANNEL = SearchAttributeKey.for_keyword("CaseChannel")
CASE_DEPARTMENTS = SearchAttributeKey.for_keyword_list("CaseDepartments")
CASE_TIER = SearchAttributeKey.for_int("CaseTier")
CASE_DUE_AT = SearchAttributeKey.for_datetime("CaseDueAt")
CASE_ESCALATION_LEVEL = SearchAttributeKey.for_int("CaseEscalationLevel")

ALL = (
    CASE_STATUS,
    CASE_DISTRICT,
    CASE_CATEGORY,
    CASE_CHANNEL,
    CASE_DEPARTMENTS,
    CASE_TIER,
    CASE_DUE_AT,
    CASE_ESCALATION_LEVEL,
)
