from django.urls import path

from . import api

urlpatterns = [
    path("cases/<str:number>/evaluation/", api.CaseEvaluationView.as_view(), name="case-evaluation"),
    path("items/<str:impl_code>/questions/", api.ItemQuestionsView.as_view(), name="item-questions"),
    path("questions/", api.QuestionListView.as_view(), name="questions"),
    path("questions/<int:pk>/answer/", api.AnswerQuestionView.as_view(), name="question-answer"),
    path("hotline/work-orders/", api.WorkOrderView.as_view(), name="hotline-work-orders"),
]
