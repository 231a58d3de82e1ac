import pypdfium2 as pdfium
import zxingcpp

from fangkong.notices import services


def test_poster_is_a4_with_a_qr_code_to_the_public_page(personas, places, login):
    notice = services.notice_save(actor=personas["office"], community=places["home"], kind="knowledge",
                                  title="新冠肺炎防护知识", body="勤洗手、戴口罩、常通风。\n" * 20)
    services.notice_publish(actor=personas["office"], notice=notice)
    r = login("office").get(f"/notices/{notice.pk}/poster.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    doc = pdfium.PdfDocument(r.content)
    width, height = doc[0].get_size()
    assert round(width) == 595 and round(height) == 842
    image = doc[0].render(scale=200 / 72).to_pil()
    texts = [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert texts == [f"http://testserver/c/C1/notices/{notice.pk}/"]
    assert "新冠肺炎防护知识" in doc[0].get_textpage().get_text_range()


def test_poster_of_another_community_is_404(personas, places, login):
    notice = services.notice_save(actor=personas["admin"], community=places["far"], kind="policy", title="t",
                                  body="b")
    assert login("office").get(f"/notices/{notice.pk}/poster.pdf").status_code == 404
