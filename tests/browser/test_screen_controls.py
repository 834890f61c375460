"""The projector's one control: full screen, by its button and by the F key."""

from playwright.sync_api import expect


def is_fullscreen(page):
    return page.evaluate("document.fullscreenElement === document.documentElement")


def test_the_f_key_and_the_button_take_the_screen_full_screen_and_back(pages):
    screen = pages.screen()
    main = screen.locator("main.screen")
    button = screen.get_by_role("button", name="Full screen (F)")
    expect(button).to_have_attribute("aria-keyshortcuts", "F")

    screen.keyboard.press("f")
    expect(main).to_have_class("screen fullscreen")
    assert is_fullscreen(screen)
    screen.keyboard.press("F")
    expect(main).to_have_class("screen")
    assert not is_fullscreen(screen)

    button.click()
    expect(main).to_have_class("screen fullscreen")
    assert is_fullscreen(screen)
    # Full screen shows the room nothing but the room's page: the button steps aside.
    expect(button).to_be_hidden()
    expect(screen.locator(".join-code")).to_have_text(pages.session["code"])
    pages.shot(screen, "screen-fullscreen-1920x1080")
    screen.keyboard.press("f")
    expect(main).to_have_class("screen")
    assert not is_fullscreen(screen)
    expect(button).to_be_visible()
