"""The sell form's photo field: several photos at once, each checked by `image_problem`."""
from django import forms

from auction.catalog.uploads import ACCEPT_ATTRIBUTE, MAX_IMAGES, image_problem


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to `MAX_IMAGES` photos, each checked by `image_problem`."""

    widget = MultipleImageInput(attrs={"accept": ACCEPT_ATTRIBUTE})

    def clean(self, data, initial=None) -> list:
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if not uploads and self.required:
            raise forms.ValidationError("Add at least one photo.", code="required")
        if len(uploads) > MAX_IMAGES:
            raise forms.ValidationError(f"Add at most {MAX_IMAGES} photos.", code="too_many")
        problems = [problem for upload in uploads if (problem := image_problem(upload))]
        if problems:
            raise forms.ValidationError(problems)
        return uploads
