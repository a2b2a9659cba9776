"""好差评 and 在线咨询 in the admin are for looking only: ratings, rectifications and questions change through
their steps (services), which check who acts and audit what must be."""

from django.contrib import admin

from zerovisit.core.admin import ReadOnly

from .models import CallBack, Evaluation, Question, Rectification


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "agency", "rating", "anonymous", "set_aside", "created_at"]
    list_filter = ["rating", "anonymous", "set_aside", "agency"]
    search_fields = ["case__number"]
    list_select_related = ["case__item", "agency"]
    date_hierarchy = "created_at"


class CallBackInline(ReadOnly, admin.TabularInline):
    model = CallBack
    fields = ["called_at", "called_by", "said"]
    extra = 0


@admin.register(Rectification)
class RectificationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "work_order", "agency", "status", "due", "closed_at"]
    list_filter = ["status", "agency"]
    search_fields = ["case__number", "work_order"]
    list_select_related = ["case", "agency"]
    inlines = [CallBackInline]


@admin.register(Question)
class QuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["impl_code", "item", "agency", "asked_at", "due_at", "answered_at", "published_at"]
    list_filter = ["agency"]
    search_fields = ["impl_code", "faq_question"]
    list_select_related = ["item", "agency"]
    date_hierarchy = "asked_at"
