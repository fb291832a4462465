// LTI Dynamic Registration: tell the platform that registering is done, so it closes this window.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
