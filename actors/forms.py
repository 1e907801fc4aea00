import re

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Follow, Membership, User
from actors.models.notifications import MODERATOR_KINDS, Frequency, Kind
from actors.notifications import frequency_for
from actors.permissions import is_moderator


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        max_length=2000,
        required=False,
        help_text=_("Tell the focal points who you are and what you will do for the organisation."),
    )


class ApproveForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        max_length=2000,
        help_text=_("The requester is told this reason."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class ActorProfileForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["short_name", "country", "region", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class ActorProposalForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = [
            "name",
            "short_name",
            "kind",
            "country",
            "region",
            "website",
            "description",
            "proposal_note",
        ]
        labels = {"proposal_note": _("Why should it take part?")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "proposal_note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal_note"].required = True


# The names the portal itself gives to people without one (User.public_name): nobody may take them.
_RESERVED_NAME = re.compile(rf"(member\s*\d+|{re.escape(User.FORMER_MEMBER)})", re.IGNORECASE)


def validate_display_name(value: str) -> None:
    """A public name must not pass for a name the portal gives, nor publish an e-mail address."""
    name = value.strip()
    # The English names, and that of a former member in the language the person reads.
    if _RESERVED_NAME.fullmatch(name) or name.casefold() == gettext(User.FORMER_MEMBER).casefold():
        raise ValidationError(gettext("The portal uses this name for others; choose your own."))
    try:
        validate_email(value.strip())
    except ValidationError:
        return
    raise ValidationError(
        gettext("Others would see this name: use your name, not an e-mail address.")
    )


def display_name_field(*, required: bool) -> forms.CharField:
    """The person's public name, asked the same way by the profile and the sign-up form."""
    field = User._meta.get_field("display_name").formfield(
        label=_("Your name as others see it"),
        help_text=_(
            "Others see it beside what you write, and focal points see it when you ask to "
            "join their organisation. Without one you are shown as “Member” and a number."
        ),
        required=required,
    )
    field.widget.attrs["autocomplete"] = "name"
    field.validators.append(validate_display_name)
    return field


class ProfileForm(forms.ModelForm):
    display_name = display_name_field(required=True)

    class Meta:
        model = User
        fields = ["display_name", "language"]


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, asking also for the name others see (optional, encouraged)."""

    display_name = display_name_field(required=False)
    field_order = ["email", "display_name", "password1", "password2"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Your current password, to confirm it is you."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account is deleted for good; what I wrote stays, "
            "signed “former member”."
        )
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("This is not your current password."))
        return password


class ActingForForm(forms.Form):
    actor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", gettext("Myself"))] + [
            (m.actor_id, m.actor.name) for m in memberships
        ]


class NotificationSettingsForm(forms.Form):
    """How the person hears of each kind of event: right away, in a daily digest, or not by mail."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            if kind in MODERATOR_KINDS and not is_moderator(user):
                continue
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Frequency.choices,
                initial=frequency_for(user, kind),
                widget=forms.RadioSelect,
            )


class ApiTokenRevokeForm(forms.Form):
    """The token to revoke, by id: a positive number within the id column's range."""

    revoke = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text=_("What the token is for, e.g. “ministry reporting system”.")
    )


class FollowForm(forms.Form):
    """What a follow button posts: the kind of target and its key (an id, a number, a slug, or
    a saved search's query string, normalised by actors.follows)."""

    kind = forms.ChoiceField(choices=Follow.Kind.choices)
    # A query string of the pledge list as the page wrote it, before it is normalised.
    key = forms.CharField(max_length=2000)
