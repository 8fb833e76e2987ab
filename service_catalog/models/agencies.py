"""Agencies (the tree of state bodies with their electronic identifier codes), sectors and staff."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search.text import fold, normalize, slugify


class AgencyQuerySet(models.QuerySet):
    def current(self, on=None):
        """Agencies in force on the date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def retired(self, on=None):
        """Agencies whose validity ended before the date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(valid_to__lt=on)


class Agency(models.Model):
    """
    A state body that receives, processes or owns procedures.

    The code is the electronic identifier (mã định danh điện tử, QCVN 102:2016), for example
    000.00.00.H41 for the Provincial People's Committee of Nghệ An. Codes are data: the province
    issues them, and where an official code is not known yet the import stores a provisional one
    and sets `is_code_provisional`. A code printed on an application never changes, so an agency
    is retired (valid_to) and linked to its successors rather than deleted or recoded.
    """

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Provincial People's Committee")
        DEPARTMENT = "department", _("Department")
        SERVICE_CENTRE = "service_centre", _("Public administration service centre")
        COMMUNE = "commune", _("Commune or ward")
        DISTRICT = "district", _("District (before July 2025)")
        OTHER = "other", _("Other agency")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province level")
        DISTRICT = "district", _("District level")
        COMMUNE = "commune", _("Commune level")

    code = models.CharField(_("identifier code"), max_length=35, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_code_provisional = models.BooleanField(
        _("provisional code"),
        default=False,
        help_text=_("Set while the province has not issued the official identifier code."),
    )
    gso_code = models.CharField(
        _("statistical code"),
        max_length=5,
        blank=True,
        db_index=True,
        help_text=_("Official administrative unit code of the statistics office, for communes and districts."),
    )
    unit_type = models.CharField(_("unit type"), max_length=30, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("Units that took over from this one when it was retired."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, blank=True, db_index=True, editable=False)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    short_name_folded = models.CharField(max_length=120, editable=False, blank=True, db_index=True)
    import_key = models.CharField(
        _("import key"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Stable key the data import uses to find this agency again, whatever its code."),
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["level", "kind", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        """Normalise the names and set the folded keys and the slug; bulk imports call this too."""
        self.name = normalize(self.name)
        self.short_name = normalize(self.short_name)
        self.name_folded = fold(self.name)
        self.short_name_folded = fold(self.short_name)
        self.slug = slugify(self.name, max_length=120)

    @property
    def is_retired(self):
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    def is_current(self, on=None):
        on = on or timezone.localdate()
        started = self.valid_from is None or self.valid_from <= on
        not_ended = self.valid_to is None or self.valid_to >= on
        return started and not_ended


class Sector(models.Model):
    """A field of administrative procedures (lĩnh vực), as named in the national database."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=40, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalize(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class StaffProfile(models.Model):
    """Links a staff account to the agency it works for; roles are the account's groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.agency.code})"
