from django.urls import path

from . import app_views, bundle_views, case_views, license_views, message_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("sw.js", app_views.service_worker, name="service_worker"),
    path("offline/", app_views.offline, name="offline"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:impl_code>/", views.item_guide, name="item_guide"),
    path("items/<str:impl_code>/questions/", views.ask, name="ask"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("place/", views.choose_place_page, name="place"),
    path("service-points/", views.service_points, name="service_points"),
    path("apps/", views.app_directory, name="apps"),
    path("apps/<int:app_id>/", views.open_app, name="open_app"),
    path("display/large-text/", views.large_text, name="large_text"),
    path("items/<str:impl_code>/apply/", case_views.apply, name="apply"),
    path("bundles/<slug:code>/", bundle_views.bundle_guide, name="bundle_guide"),
    path("bundles/<slug:code>/apply/", bundle_views.bundle_apply, name="bundle_apply"),
    path("my/bundles/<str:number>/", bundle_views.bundle_case, name="bundle_case"),
    path(
        "my/bundles/<str:number>/correction/", bundle_views.answer_bundle_corrections, name="answer_bundle_corrections"
    ),
    path("my/bundles/<str:number>/withdraw/", bundle_views.withdraw_bundle, name="withdraw_bundle"),
    path("my/", views.me, name="me"),
    path("my/cases/", case_views.my_cases, name="my_cases"),
    path("my/questions/", views.my_questions, name="my_questions"),
    path("my/drafts/", case_views.drafts, name="drafts"),
    path("my/drafts/<str:draft_id>/discard/", case_views.discard_draft, name="discard_draft"),
    path("my/drafts/<str:draft_id>/files/<int:material_id>/", case_views.draft_file, name="draft_file"),
    path("my/cases/<str:number>/", case_views.case_detail, name="case_detail"),
    path("my/cases/<str:number>/correction/", case_views.answer_correction, name="answer_correction"),
    path("my/cases/<str:number>/withdraw/", case_views.withdraw, name="withdraw"),
    path("my/cases/<str:number>/rating/", case_views.rate, name="rate"),
    path("my/cases/<str:number>/materials/<int:material_id>/", case_views.material_file, name="material_file"),
    path("my/cases/<str:number>/notices/<int:notice_id>/", case_views.notice_file, name="notice_file"),
    path("my/cases/<str:number>/licenses/<int:license_id>/", case_views.case_license_file, name="case_license_file"),
    path("verify/<str:code>/", case_views.verify_notice, name="verify_notice"),
    path("licenses/verify/", license_views.find_license, name="find_license"),
    path("licenses/verify/<str:identifier>/", license_views.verify_license, name="verify_license"),
    path("my/licenses/", license_views.wallet, name="wallet"),
    path("my/messages/", message_views.inbox, name="messages"),
    path("my/messages/read/", message_views.mark_read, name="mark_read"),
    path("my/messages/settings/", message_views.preferences, name="message_preferences"),
    path("my/licenses/<int:license_id>/pdf/", license_views.license_file, name="license_file"),
]
