#!/usr/bin/env bash
# Regenerates the sample split's tiny media with ffmpeg: 64x36 JPEG frames for
# split.jsonl and three short 64x36 clips for ebm-rl/test.json. The images are
# synthetic test patterns (hue-shifted per scene) - the captions say what the
# scene "shows"; the pixels only need to be real, small, valid media files.
set -euo pipefail
cd "$(dirname "$0")"
command -v ffmpeg >/dev/null || { echo "ffmpeg not found" >&2; exit 1; }

# Every frame path listed in split.jsonl, with its scene index for the hue.
node -e '
const fs = require("fs");
const lines = fs.readFileSync("split.jsonl", "utf8").split("\n").filter(Boolean);
lines.forEach((l, i) => JSON.parse(l).video.frames.forEach((f, k) => console.log(i, k, f)));
' | while read -r scene k file; do
  mkdir -p "$(dirname "$file")"
  ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=s=64x36:r=1:d=8" \
    -vf "select=eq(n\,$((k * 2))),hue=h=$((scene * 30))" -frames:v 1 -q:v 12 "$file"
done

clip() { # path seconds hue
  mkdir -p "$(dirname "ebm-rl/$1")"
  ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=s=64x36:r=5:d=$2" -vf "hue=h=$3" \
    -c:v libx264 -preset veryslow -crf 40 -pix_fmt yuv420p -g 50 -an -movflags +faststart "ebm-rl/$1"
}
clip "Lantern_Keepers/video/1~2/llm_api/1_003__a1b2c3d4e5f60718__2__0f1e2d.mp4" 3 0
clip "Lantern_Keepers/video/1~2/raw_lines/b7c6d5e4f3a29180_sub2_1__4_001__77.mp4" 6 120
clip "Lantern_Keepers/video/3~4/llm_api/5_010__c0ffee1234567890__4__9a8b7c.mp4" 10 240
