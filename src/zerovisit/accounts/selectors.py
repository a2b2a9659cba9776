"""Reads of accounts that every request makes."""

from django.db.models import Aggregate, CharField, OuterRef, Subquery

from .models import StaffRole, User


class _Joined(Aggregate):
    """The values of a column joined with commas (GROUP_CONCAT in SQLite, STRING_AGG in PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s, ',')")


def role_names(user_column: str = "pk") -> Subquery:
    """The roles of the user in `user_column` of the outer query, as one comma-separated value."""
    roles = StaffRole.objects.filter(user_id=OuterRef(user_column)).values("user_id").annotate(names=_Joined("role"))
    return Subquery(roles.values("names"), output_field=CharField())


def signed_in_users():
    """Users as a request loads them, with what the request will ask of them in the same query: their agency and its
    region (the supervisors' and catalogue administrators' reach) and their roles (User.has_role)."""
    return User.objects.select_related("agency__region").annotate(role_names=role_names())
