"""Who must sign a safety responsibility agreement (安全责任书) this year, and who has not.

Every active staff member of the school and every active department signs once a year;
tenants and contractors on campus sign too, but nobody can list them in advance, so they
count only once signed.
"""

from __future__ import annotations

from dataclasses import dataclass

from eduplatform.organisation.models import Department
from eduplatform.safety.models import Agreement
from eduplatform.safety.people import school_staff


@dataclass(frozen=True)
class Progress:
    year: int
    unsigned_staff: list
    unsigned_departments: list
    signed: list[Agreement]
    required: int

    @property
    def signed_required(self) -> int:
        return self.required - len(self.unsigned_staff) - len(self.unsigned_departments)


def progress(school, year: int) -> Progress:
    """Three queries: the staff, the departments, the year's agreements."""
    signed = list(Agreement.objects.filter(year=year).order_by("party", "party_name", "id"))
    signed_people = {agreement.signer_id for agreement in signed if agreement.signer_id}
    signed_departments = {agreement.department_id for agreement in signed if agreement.department_id}
    staff = list(school_staff(school))
    departments = list(Department.objects.filter(is_active=True).order_by("name"))
    return Progress(
        year=year,
        unsigned_staff=[person for person in staff if person.pk not in signed_people],
        unsigned_departments=[
            department for department in departments if department.pk not in signed_departments
        ],
        signed=signed,
        required=len(staff) + len(departments),
    )
