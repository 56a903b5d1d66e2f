"""WindowData: R-CNN's window files, foreground/background sampling, and the warped crops with
context padding, clipping and mirroring (the resize checked against torch's pixel-centre
bilinear, to cv::resize's 8-bit rounding)."""
import numpy as np
import pytest
import torch

from unigrad import caffe


@pytest.fixture
def windows(tmp_path):
    from PIL import Image
    rgb = np.random.default_rng(0).integers(0, 256, (20, 24, 3)).astype(np.uint8)  # rows 20, cols 24
    Image.fromarray(rgb).save(tmp_path / "im.png")
    (tmp_path / "windows.txt").write_text(
        "# 0\nim.png\n3\n20\n24\n3\n"
        "3 0.9 2 3 9 10\n"      # foreground, class 3
        "5 0.1 0 0 7 7\n"       # background (class becomes 0)
        "2 0.3 0 0 5 5\n\n")    # neither: between the thresholds
    bgr = np.ascontiguousarray(rgb[:, :, ::-1].transpose(2, 0, 1))
    return tmp_path, bgr


def net(folder, window="", transform="crop_size: 10"):
    return caffe.Net(f'layer {{ name: "w" type: "WindowData" top: "data" top: "label" '
                     f'transform_param {{ {transform} }} window_data_param {{ source: "{folder}/windows.txt" '
                     f'root_folder: "{folder}/" batch_size: 4 fg_fraction: 0.5 fg_threshold: 0.5 bg_threshold: 0.2 '
                     f'{window} }} }}', caffe.TRAIN)


def warp(image, size):
    """Bilinear with pixel centres aligned, rounded to 8 bits (cv::resize INTER_LINEAR)."""
    t = torch.tensor(image.astype(np.float32))[None]
    out = torch.nn.functional.interpolate(t, size=size, mode="bilinear", align_corners=False)[0]
    return np.clip(np.rint(out.numpy()), 0, 255)


def test_batches_take_background_then_foreground_warped(windows):
    folder, bgr = windows
    n = net(folder, transform="crop_size: 10 mean_value: 100 scale: 0.5")
    out = n.forward()
    np.testing.assert_array_equal(out["label"], [0, 0, 3, 3])
    fg = (warp(bgr[:, 3:11, 2:10], (10, 10)) - 100) * 0.5
    bg = (warp(bgr[:, 0:8, 0:8], (10, 10)) - 100) * 0.5
    for i, want in enumerate([bg, bg, fg, fg]):
        np.testing.assert_allclose(n.blobs["data"].data[i], want, atol=0.5 + 1e-6)  # cv's rounding: 1 level


def test_context_padding_clipping_and_mirror(windows):
    folder, bgr = windows
    caffe.set_random_seed(3)
    n = net(folder, window="context_pad: 1", transform="crop_size: 10 mirror: true")
    # foreground 8x8 window grown by 10/8 about its centre: rows 2..12, cols 1..11, inside the image
    fg = warp(bgr[:, 2:13, 1:12], (10, 10))
    # background window at the corner: grown to -1..9, clipped to 0..9 and warped to 9x9 beside a
    # 1-pixel zero border at the top and (unless mirrored, which moves it right) the left
    patch = warp(bgr[:, 0:10, 0:10], (9, 9))
    plain, flipped = np.zeros((3, 10, 10)), np.zeros((3, 10, 10))
    plain[:, 1:, 1:] = patch
    flipped[:, 1:, :9] = patch[:, :, ::-1]
    seen = set()
    for _ in range(4):
        data = n.forward()["data"]
        for i in range(4):
            if i >= 2:
                candidates = {"fg": fg, "fg mirrored": fg[:, :, ::-1]}
            else:
                candidates = {"bg": plain, "bg mirrored": flipped}
            match = [k for k, v in candidates.items() if np.abs(data[i] - v).max() <= 1]
            assert match, f"item {i} is none of {list(candidates)}"
            seen.update(match)
    assert {"bg", "bg mirrored", "fg", "fg mirrored"} <= seen


def test_window_file_errors(windows, tmp_path):
    folder, _ = windows
    (folder / "windows.txt").write_text("# 0\nim.png\n3\n20\n")
    with pytest.raises(caffe.CaffeFileError, match="windows.txt:4: the window file ends where the width"):
        net(folder)
    (folder / "windows.txt").write_text("# 0\nim.png\n3\n20\n24\n1\n3 0.9 2 3 9\n")
    with pytest.raises(caffe.CaffeFileError, match="windows.txt:7: a window needs"):
        net(folder)
    (folder / "windows.txt").write_text("# 0\nim.png\n3\n20\n24\n1\n3 0.9 2 3 9 10\n")
    with pytest.raises(caffe.NetDefinitionError, match="2 background windows but the file has 1 and 0"):
        net(folder)
    with pytest.raises(caffe.NetDefinitionError, match="crop_size"):
        net(folder, window="context_pad: 5")
