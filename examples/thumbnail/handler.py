"""Makes a square JPEG thumbnail with ImageMagick from the imagemagick layer, the way a
thumbnail service would: scale to cover the square, then crop the middle.

Event: {"image_base64": "<a PNG, JPEG or WebP>", "size": 128}. Without an image, the function
draws a 640x480 gradient first, so it can be tried with an empty event.
"""

import base64
import os
import subprocess
import tempfile

# The layer's wrapper, by path: it sets up ImageMagick's configuration, modules and libraries.
MAGICK = os.environ.get("MAGICK", "/opt/bin/magick")


def magick(*args):
    return subprocess.run([MAGICK, *args], check=True, capture_output=True, text=True).stdout


def handler(event, context):
    size = int(event.get("size", 128))
    with tempfile.TemporaryDirectory(dir="/tmp") as work:
        source = os.path.join(work, "source")
        if "image_base64" in event:
            with open(source, "wb") as f:
                f.write(base64.b64decode(event["image_base64"]))
        else:
            source += ".png"
            magick("-size", "640x480", "gradient:blue-red", source)
        thumbnail = os.path.join(work, "thumbnail.jpg")
        magick(source, "-auto-orient", "-thumbnail", f"{size}x{size}^", "-gravity", "center",
               "-extent", f"{size}x{size}", "-quality", "85", thumbnail)
        source_info = magick("identify", "-format", "%w %h %m", source + "[0]").split()
        width, height, fmt = magick("identify", "-format", "%w %h %m", thumbnail).split()
        with open(thumbnail, "rb") as f:
            data = f.read()
    return {
        "source": {"width": int(source_info[0]), "height": int(source_info[1]), "format": source_info[2]},
        "thumbnail": {"width": int(width), "height": int(height), "format": fmt, "bytes": len(data)},
        "thumbnail_base64": base64.b64encode(data).decode("ascii"),
    }
