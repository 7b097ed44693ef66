from django.urls import path

from radiology_guide.guide import preview, views

app_name = "guide"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/<slug:slug>/", views.section, name="section"),
    path("guide/<slug:slug>/large-print/", views.section_large_print, name="section_large_print"),
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<slug:slug>/", views.procedure, name="procedure"),
    path("procedures/<slug:slug>/summary/", views.procedure_summary, name="procedure_summary"),
    path("easy-read/<slug:slug>/", views.easy_read, name="easy_read"),
    path("procedures/<slug:slug>/large-print/", views.procedure_large_print, name="procedure_large_print"),
    path("compare/", views.compare, name="compare"),
    path("faqs/", views.faqs, name="faqs"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search_results, name="search"),
    path("contact/", views.contact, name="contact"),
    path("site-map/", views.site_map, name="site_map"),
    path("visiting/", views.visiting, name="visiting"),
    path("preview/<str:token>/", preview.view, name="preview"),
    path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
    path("accessibility/", views.site_page, {"slug": "accessibility"}, name="accessibility"),
]
