"""The sell form's photo field: several photos at once, each decoded and re-encoded by `photo_from_upload`."""
from django import forms

from auction.catalog.uploads import ACCEPT_ATTRIBUTE, MAX_IMAGES, PhotoRefused, photo_from_upload


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to `MAX_IMAGES` photos; cleaned into `Photo`s ready to store.

    `refused` holds what the upload handler (`upload_limits`) turned away while the request was
    read (too many files, a file too large): those files never reached the form, so their
    problems are reported here, with the others'."""

    widget = MultipleImageInput(attrs={"accept": ACCEPT_ATTRIBUTE})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    def clean(self, data, initial=None) -> list:
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if self.refused:
            raise forms.ValidationError(self.refused)
        if not uploads and self.required:
            raise forms.ValidationError("Add at least one photo.", code="required")
        if len(uploads) > MAX_IMAGES:
            raise forms.ValidationError(f"Add at most {MAX_IMAGES} photos.", code="too_many")
        photos, problems = [], []
        for upload in uploads:
            try:
                photos.append(photo_from_upload(upload))
            except PhotoRefused as refused:
                problems.append(str(refused))
        if problems:
            raise forms.ValidationError(problems)
        return photos
