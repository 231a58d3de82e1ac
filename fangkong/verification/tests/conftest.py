from __future__ import annotations

import pytest

from fangkong.verification.services import verification_list_upload
from fangkong.verification.tests.helpers import stranger_id, write_csv


@pytest.fixture
def pushed(places, personas, make_person, tmp_path):
    """A list of the home street: rows 1–2 routed to C1 (registered people, grid 1 and grid 2), row 3 to C2,
    row 4 to C1 by address (nobody registered yet), row 5 unmatched."""
    a = make_person(places["grid1"], name="张三")
    b = make_person(places["grid2"], name="李四")
    c = make_person(places["neighbour"].grids.get(), name="王五")
    path = write_csv(tmp_path / "pushed.csv", [
        ["张三", a.id_number, "13800000001", "", "大数据", ""],
        ["李四", b.id_number, "", "", "大数据", ""],
        ["王五", c.id_number, "", "", "大数据", ""],
        ["赵六", stranger_id(11), "13900000002", "一号社区5号楼", "上级下发", ""],
        ["孙八", stranger_id(12), "", "外省", "上级下发", ""],
    ])
    upload = verification_list_upload(actor=personas["street"], street=places["home"].street, batch="B-1",
                                      path=path, filename="pushed.csv")
    return {"list": upload.vlist, "people": [a, b, c], "upload": upload}
