"""Source documents moved from the reviews app to the actors app: the table takes this app's
name, and the content type (admin permissions) follows the model."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label="actors", model="sourcedocument").exists():
        content_type.objects.filter(app_label="reviews", model="sourcedocument").delete()
    else:
        content_type.objects.filter(app_label="reviews", model="sourcedocument").update(
            app_label="actors"
        )


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="actors", model="sourcedocument").update(
        app_label="reviews"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0004_api_tokens"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="sourcedocument", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
