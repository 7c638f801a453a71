"""What a question asks about documents themselves: the consultation's period, contact details, versions."""

from __future__ import annotations

from assistant.understanding.document_asks import (
    asked_versions,
    asks_comment_channel,
    asks_comment_period,
    contact_kinds,
)


def test_a_time_asked_about_a_consultation_is_its_comment_period() -> None:
    assert asks_comment_period("征求意见到哪天截止")
    assert asks_comment_period("When was the public comment period?")
    assert asks_comment_period("到哪天截止", "这个细则当时公开征求意见了吗")
    assert not asks_comment_period("征求意见稿是哪天发的")  # the draft's date, not the consultation's
    assert not asks_comment_period("申报到哪天截止")
    assert asks_comment_period("这个征求意见稿反馈截止日期是哪天")  # feedback on a draft is the consultation's
    assert asks_comment_period("先锋城市措施意见稿啥时候截止")  # a draft closes only as a consultation does
    assert asks_comment_period("公开征求意见给了多长时间")  # how long it ran is its period too
    # English: sending comments or feedback on a draft is taking part in its consultation.
    assert asks_comment_period("Until what date can people submit their comments on the draft?")
    assert asks_comment_period("By when should feedback on the draft measures be sent?")
    assert not asks_comment_period("When was the draft published?")


def test_how_to_send_comments_is_asked() -> None:
    assert asks_comment_channel("征求意见稿的意见怎么交")
    assert asks_comment_channel("How do we submit comments on the draft?")
    assert asks_comment_channel("怎么提交", "这个细则当时公开征求意见了吗")
    assert not asks_comment_channel("项目怎么提交申报材料")  # an application, not a consultation
    assert not asks_comment_channel("征求意见到哪天截止")


def test_contact_details_asked() -> None:
    assert contact_kinds("意见发哪个邮箱") == {"email"}
    assert contact_kinds("电话多少，寄到哪里") == {"phone", "post"}
    assert contact_kinds("联系方式是什么") == {"email", "post", "phone"}
    assert contact_kinds("意见稿的电子邮件反馈地址是多少") == {"email"}  # an e-mail address, not a postal one
    assert contact_kinds("纸质意见寄哪") == {"post"}


def test_versions_named_anywhere_or_in_the_parts_that_ask() -> None:
    assert asked_versions("征求意见稿和正式版各是什么时候发的") == {"draft", "final"}
    assert asked_versions("有征求意见稿也有正式稿，正式稿是哪天印发的？") == {"final"}
    assert asked_versions("那个细则征求意见稿，征求意见是从哪天到哪天") == frozenset()  # it only sets the scene


def test_a_consultation_naming_a_notice_asks_no_period() -> None:
    # "征求…意见的通知" names the notice whose date is asked; a deadline of the comments is the consultation's.
    assert not asks_comment_period("区里征求示范办法意见的通知落款是哪天")
    assert asks_comment_period("征求意见的通知是哪天发的，意见什么时候截止")
    assert not asks_comment_period("去年3月征求意见的那版办法，正式版哪天印发的")  # a version named by its consultation
