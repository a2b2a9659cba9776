from django.db import models


class SearchTerm(models.Model):
    """One searchable key of a published item: a word, an n-gram, or their pinyin.

    Search is a prefix lookup on `term` (a B-tree range), identical on SQLite and PostgreSQL; `weight` ranks the
    field the term came from (lower is better). Built by catalog.search.index_item(), dropped on supersede.
    """

    NAME = 1
    OTHER = 2

    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [
            # text_pattern ops let PostgreSQL answer LIKE 'x%' from the index whatever the database's collation.
            models.Index(
                fields=["term", "weight", "item"],
                name="searchterm_prefix",
                opclasses=["varchar_pattern_ops", "int2_ops", "int8_ops"],
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["item", "term"], name="searchterm_unique")]

    def __str__(self):
        return self.term
