"""Signing in and out of the console."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from patronage.console.forms import StaffAuthenticationForm
from patronage.core.views import BrandedLoginView

login = BrandedLoginView.as_view(
    template_name="console/login.html",
    authentication_form=StaffAuthenticationForm,
    next_page=reverse_lazy("console:home"),
)
logout = auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login"))
