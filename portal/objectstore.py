"""Where files are stored, read from the environment (portal/settings.py's STORAGES).

Uploaded files (pledge attachments, large exports) live on this server's disk under MEDIA_ROOT by
default, which is fine for one app server; several app servers share an S3-compatible object
store (django-storages), chosen by AWS_STORAGE_BUCKET_NAME. Either way they are only read back
through the permission-checking views, never from a public URL: objects carry no ACL of their own
(the bucket stays private), any URL the storage makes is signed and short-lived, and a new file
never replaces an existing one. Static files are whitenoise's, compressed and hashed in production.
"""

import environ
from django.core.exceptions import ImproperlyConfigured


def storages(env: environ.Env, *, debug: bool) -> dict[str, dict]:
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    object_store = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
        # Without keys, boto3 looks further (AWS_SESSION_TOKEN, ~/.aws, an instance role).
        "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
    }
    if bucket:
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                **{name: value for name, value in object_store.items() if value},
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                # A download larger than this spools to a temporary file rather than memory.
                "max_memory_size": 2 * 1024 * 1024,
            },
        }
    elif object_store["endpoint_url"] or object_store["region_name"]:
        # Files would silently land on the local disk of each app server.
        raise ImproperlyConfigured(
            "AWS_S3_ENDPOINT_URL or AWS_S3_REGION_NAME is set but AWS_STORAGE_BUCKET_NAME is not."
        )
    else:
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "default": default,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            if debug
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
