"""Forms of the second factor: a code from the authenticator app, or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The 6-digit code of the app; at login also one of the recovery codes."""

    wide_fields = ("code",)

    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isalnum():
            raise forms.ValidationError(_("验证码只包含数字（恢复码为字母和数字）"))
        return code


class EnrolForm(CodeForm):
    """Confirming a new device: only the app's 6-digit code proves the app holds the secret."""

    def clean_code(self) -> str:
        code = super().clean_code()
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("请输入身份验证器显示的 6 位数字"))
        return code
