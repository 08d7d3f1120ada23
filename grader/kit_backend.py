"""The student kit's build backend (PEP 517), so that `pip install KIT` needs nothing but pip:
no setuptools or wheel to fetch, no network. `grade release` copies this file into the kit as
`_build/kit_backend.py`; it reads `kit.json` beside pyproject.toml and writes a pure-Python wheel
of the packages listed there."""
import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _kit():
    return json.loads((ROOT / "kit.json").read_text(encoding="utf-8"))


def _dist_name(kit):
    return f"{kit['name'].replace('-', '_')}-{kit['version']}"


def _metadata(kit):
    lines = ["Metadata-Version: 2.1", f"Name: {kit['name']}", f"Version: {kit['version']}",
             f"Summary: {kit['summary']}", f"Requires-Python: {kit['requires_python']}"]
    lines += [f"Requires-Dist: {r}" for r in kit["dependencies"]]
    return "\n".join(lines) + "\n"


def _dist_info(kit):
    """{name: text} of the .dist-info folder, RECORD aside."""
    scripts = "".join(f"{name} = {target}\n" for name, target in sorted(kit["scripts"].items()))
    return {"METADATA": _metadata(kit),
            "WHEEL": "Wheel-Version: 1.0\nGenerator: kit_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            "entry_points.txt": f"[console_scripts]\n{scripts}",
            "top_level.txt": "".join(sorted({p.split('.')[0] + "\n" for p in kit["packages"]}))}


def _package_files(kit):
    """(path in the wheel, file) of every module and data file of the kit's packages."""
    for package in kit["packages"]:
        folder = ROOT.joinpath(*package.split("."))
        chosen = set(folder.glob("*.py"))
        for pattern in kit["package_data"].get(package, []):
            chosen.update(folder.glob(pattern))
        for path in sorted(p for p in chosen if p.is_file()):
            yield path.relative_to(ROOT).as_posix(), path


def _hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    kit = _kit()
    folder = Path(metadata_directory) / f"{_dist_name(kit)}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in _dist_info(kit).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    kit = _kit()
    name = f"{_dist_name(kit)}-py3-none-any.whl"
    info = f"{_dist_name(kit)}.dist-info"
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as wheel:
        def add(arcname, data):
            wheel.writestr(arcname, data)
            records.append(f"{arcname},{_hash(data)},{len(data)}")

        for arcname, path in _package_files(kit):
            add(arcname, path.read_bytes())
        for file, text in _dist_info(kit).items():
            add(f"{info}/{file}", text.encode("utf-8"))
        records.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return name
